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

/// R's `PlantGrowth` (Dobson 1983, An Introduction to Statistical Modelling, Table 7.1): dried
/// weight of plants under a control and two treatments.
inline const std::vector<std::vector<double>> plant_growth{
    {4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14},   // ctrl
    {4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69},   // trt1
    {6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26}};  // trt2

}  // namespace greenbatch::stats::reference
