#pragma once
/// Classic small data sets whose analyses are published, for the stats reference tests.

#include <vector>

namespace greenbatch::stats::reference {

/// R's `mtcars` (Henderson & Velleman 1981, Motor Trend 1974): mpg of the 19 automatic (am = 0)
/// and the 13 manual (am = 1) cars, each in data-set row order.
inline const std::vector<double> mtcars_mpg_automatic{21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3,
                                                      15.2, 10.4, 10.4, 14.7, 21.5, 15.5, 15.2, 13.3, 19.2};
inline const std::vector<double> mtcars_mpg_manual{21.0, 21.0, 22.8, 32.4, 30.4, 33.9, 27.3,
                                                   26.0, 30.4, 15.8, 19.7, 15.0, 21.4};

/// mtcars$mpg, all 32 cars in row order.
inline const std::vector<double> mtcars_mpg{21.0, 21.0, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8,
                                            16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 32.4, 30.4, 33.9, 21.5, 15.5,
                                            15.2, 13.3, 19.2, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4};

/// mtcars$wt (1000 lb), all 32 cars in row order.
inline const std::vector<double> mtcars_wt{2.620, 2.875, 2.320, 3.215, 3.440, 3.460, 3.570, 3.190, 3.150, 3.440, 3.440,
                                           4.070, 3.730, 3.780, 5.250, 5.424, 5.345, 2.200, 1.615, 1.835, 2.465, 3.520,
                                           3.435, 3.840, 3.845, 1.935, 2.140, 1.513, 3.170, 2.770, 3.570, 2.780};

/// R's `PlantGrowth` (Dobson 1983, An Introduction to Statistical Modelling, Table 7.1): dried
/// weight of plants under a control and two treatments.
inline const std::vector<std::vector<double>> plant_growth{
    {4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14},   // ctrl
    {4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69},   // trt1
    {6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26}};  // trt2

/// R's `sleep` (Student 1908, from Cushny & Peebles 1905): extra hours of sleep with two drugs.
inline const std::vector<double> sleep_group1{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
inline const std::vector<double> sleep_group2{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

}  // namespace greenbatch::stats::reference
